# The rollups' triggers and a first recount of existing rows (PostgreSQL only: elsewhere
# the health figures count the rows directly). Now installed by 0004_checkin_rollups: the
# current SQL names columns and tables (check-ins) a fresh database does not have yet here.

from django.db import migrations


def install(apps, schema_editor):
    pass  # see above


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from insights import rollups  # as above

    schema_editor.execute(rollups.UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_program_day_rollups"),
        ("session_logs", "0006_program_on_sessions_and_actions"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
