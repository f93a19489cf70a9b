from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import FeedKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

BACKFILL = """
INSERT INTO feed_entry (kind, update_id, issue_id, relationship_id, created_at)
SELECT '{kind}', su.id, su.issue_id, i.relationship_id, {at}
FROM status_update su JOIN issue i ON i.id = su.issue_id
WHERE {condition}
ORDER BY {at}, su.id
"""


class Migration(migrations.Migration):
    dependencies = [('models', '0002_tokens_idempotency_retractions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeedEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='RECORDED: RECORDED\nRETRACTED: RETRACTED', enum_type=FeedKind, max_length=12)),
                ('update', fields.ForeignKeyField('models.StatusUpdate', source_field='update_id', db_constraint=True, to_field='id', related_name='feed_entries', on_delete=OnDelete.RESTRICT)),
                ('issue', fields.ForeignKeyField('models.Issue', source_field='issue_id', db_constraint=True, to_field='id', related_name='feed_entries', on_delete=OnDelete.RESTRICT)),
                ('relationship', fields.ForeignKeyField('models.Relationship', source_field='relationship_id', db_constraint=True, to_field='id', related_name='feed_entries', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'feed_entry', 'app': 'models', 'indexes': [Index(fields=['issue_id', 'id'], name='feed_issue_idx'), Index(fields=['relationship_id', 'id'], name='feed_relationship_idx'), Index(fields=['update_id', 'kind'], name='feed_update_idx')], 'pk_attr': 'id', 'table_description': 'One change to the history, numbered in the order its transaction committed.'},
            bases=['Model'],
        ),
        # Updates written before the feed existed are entered in the order they
        # were recorded, then their retractions in the order they were made.
        ops.RunSQL(
            [
                BACKFILL.format(kind='RECORDED', at='su.recorded_at', condition='1 = 1'),
                BACKFILL.format(
                    kind='RETRACTED', at='su.retracted_at', condition='su.retracted_at IS NOT NULL'
                ),
            ],
            reverse_sql=[],
        ),
    ]
