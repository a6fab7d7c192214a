"""HTTP API plumbing shared by every domain: the smorest Api, base schemas, pagination, body parsing."""

from flask_smorest import Blueprint

from app.api.parsing import ApiParser

# Every domain Blueprint reads its arguments with this parser. Set here, in the package every routes module
# imports (directly or through app.api.schemas) before its ``@blp.arguments`` decorators run.
Blueprint.ARGUMENTS_PARSER = ApiParser()
