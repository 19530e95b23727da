// Progressive enhancement: a "Print this chronology" button for browsers with JavaScript.
// Without it the page still prints with the browser's own print command.
(function () {
  var button = document.querySelector("[data-chronology-print]");
  if (!button || typeof window.print !== "function") {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
