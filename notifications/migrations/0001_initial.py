# The outbox tables move from session_logs to notifications without touching the
# database: session_logs created them (0001, 0002); this claims them in the state, and
# session_logs 0003 lets go of them in its state. Rows, indexes and constraints stay.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("session_logs", "0002_reminders_delivery_retry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="EmailPreference",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("reminders", models.BooleanField(default=True, verbose_name="reminders about my next actions")),
                        ("nudges", models.BooleanField(default=True, verbose_name="weekly nudge")),
                        ("digests", models.BooleanField(default=True, verbose_name="weekly admin digest")),
                        ("nudge_weekday", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="nudge day")),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="email_preference", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "session_logs_emailpreference"},
                ),
                migrations.CreateModel(
                    name="SentEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=30)),
                        ("key", models.CharField(max_length=200)),
                        ("to_email", models.EmailField(max_length=254)),
                        ("subject", models.CharField(blank=True, max_length=300)),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed"), ("skipped", "Skipped")], default="pending", max_length=10)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("context", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "session_logs_sentemail",
                        "indexes": [
                            models.Index(fields=["status", "created_at"], name="session_log_status_785559_idx"),
                            models.Index(condition=models.Q(("status", "pending")), fields=["next_attempt_at"], name="sent_email_pending_due"),
                        ],
                        "constraints": [models.UniqueConstraint(models.F("kind"), models.F("key"), name="sent_email_once")],
                    },
                ),
            ],
        ),
    ]
