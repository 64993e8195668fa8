# SentEmail and EmailPreference now belong to the notifications app (its 0001 took them
# over in the state, same tables): drop them from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("session_logs", "0002_reminders_delivery_retry"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="SentEmail"),
                migrations.DeleteModel(name="EmailPreference"),
            ],
        ),
    ]
