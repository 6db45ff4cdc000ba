import os

DEBUG = False
# Read from the environment: not a secret in the repository.
DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]
API_TOKEN = "${API_TOKEN}"
