from tests.api.conftest import as_member  # noqa: F401 - the API client fixture
