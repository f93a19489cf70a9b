from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_rate_windows')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DataGeneration',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('value', fields.BigIntField(default=0)),
            ],
            options={'table': 'data_generation', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One row counting the committed writes to the data.'},
            bases=['Model'],
        ),
    ]
