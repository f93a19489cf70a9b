"""Reading the Prometheus text that `/metrics` serves."""

from prometheus_client.parser import text_string_to_metric_families


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample (0 when absent), e.g. `bilateral_requests_total`."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(
                found.labels.get(key) == value for key, value in labels.items()
            ):
                return float(found.value)
    return 0.0


def total(text: str, name: str, **labels: str) -> float:
    """The sum of every sample of `name` whose labels include `labels`."""
    summed = 0.0
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(
                found.labels.get(key) == value for key, value in labels.items()
            ):
                summed += float(found.value)
    return summed
