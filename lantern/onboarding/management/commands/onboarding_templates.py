"""manage.py onboarding_templates: the blank templates, or the guide's column tables.

    manage.py onboarding_templates FOLDER     # one blank CSV file per template (its header line)
    manage.py onboarding_templates --docs     # the column tables of docs/guide/onboarding.md

Both come from lantern/onboarding/schema.py, the one definition of the templates.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.onboarding import schema
from lantern.onboarding.export import write_blank_templates


def docs_tables() -> str:
    parts = []
    for template in schema.TEMPLATES:
        required = " (required)" if template.required else ""
        parts.append(f"### {template.filename}: {template.title.lower()}{required}\n\n{template.description}\n\n"
                     f"{schema.markdown_table(template)}\n")  # fmt: skip
    return "\n".join(parts)


class Command(BaseCommand):
    help = "Write the blank onboarding templates into a folder, or print the guide's column tables (--docs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", nargs="?", help="Where to write the blank templates.")
        parser.add_argument("--docs", action="store_true", help="Print the column tables (Markdown).")

    def handle(self, *args, **options) -> None:
        if options["docs"]:
            self.stdout.write(docs_tables(), ending="")
            return
        if not options["folder"]:
            raise CommandError("Give a folder, or --docs.")
        write_blank_templates(Path(options["folder"]))
        self.stdout.write(f"{len(schema.TEMPLATES)} blank templates written to {options['folder']}")
