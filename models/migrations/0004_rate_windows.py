from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_feed')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateWindow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client_key', fields.CharField(max_length=200)),
                ('window_start', fields.BigIntField()),
                ('used', fields.IntField(default=0)),
            ],
            options={'table': 'rate_window', 'app': 'models', 'unique_together': (('client_key', 'window_start'),), 'pk_attr': 'id', 'table_description': 'Points one client (a token or an address) spent in one one-minute window.'},
            bases=['Model'],
        ),
    ]
