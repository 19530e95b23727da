// Progressive enhancement: mark the page as JavaScript-enabled and start GOV.UK Frontend.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
