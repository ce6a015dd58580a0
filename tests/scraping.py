"""Reading ``/metrics`` as Prometheus does (prometheus-client's own parser), for the tests to assert on."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

Scraped = dict[str, dict[tuple[tuple[str, str], ...], float]]


def scraped(text: str) -> Scraped:
    """Each sample's value by its name, then its labels."""
    samples: Scraped = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples: Scraped, name: str, **labels: str) -> float:
    return samples[name][tuple(sorted(labels.items()))]


def label_values(samples: Scraped, name: str, label: str) -> set[str]:
    return {dict(labels)[label] for labels in samples.get(name, {})}
