from django.db import migrations

LEVELS = [
    ("universal", "Universal", "Needs met by universal services (school, GP, health visitor) without extra help.", 1),
    ("early_help", "Early help", "Additional needs best met by coordinated early help with the family's agreement.", 2),
    ("child_in_need", "Child in need", "Complex needs: the child is unlikely to achieve a reasonable standard of health or "
     "development without services from children's social care (Children Act 1989, section 17).", 3),
    ("child_protection", "Child protection", "Reasonable cause to suspect the child is suffering, or likely to suffer, "
     "significant harm (Children Act 1989, section 47).", 4),
]


def add_levels(apps, schema_editor):
    ThresholdLevel = apps.get_model("casework", "ThresholdLevel")
    for code, name, descriptor, order in LEVELS:
        ThresholdLevel.objects.get_or_create(code=code, defaults={"name": name, "descriptor": descriptor, "order": order})


class Migration(migrations.Migration):
    dependencies = [("casework", "0004_pathway")]

    operations = [migrations.RunPython(add_levels, migrations.RunPython.noop)]
