import pytest


@pytest.fixture(autouse=True)
def _provider_in_london(provider):
    """SLA clocks count the provider's business hours: 09:00-18:00, Monday to Friday, London."""
    provider.time_zone = "Europe/London"
    provider.save()
    return provider
