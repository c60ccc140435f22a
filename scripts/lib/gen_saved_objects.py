"""Writes the OpenSearch Dashboards / Kibana saved objects for the hub's Elasticsearch indices.

    python3 scripts/lib/gen_saved_objects.py

writes dashboards/opensearch-dashboards/datamp-admin.ndjson (the committed file users import) and the
same bytes to Sources/Dashboards/Resources/datamp-admin.ndjson (embedded in the `admin` binary for
`admin dashboards install`). DashboardContentTests fails when the two differ, when a reference
dangles, or when a field named here is not in the index template the hub installs
(Sources/Sinks/Elasticsearch/IndexTemplate.swift): edit this script, never the NDJSON.

The objects are written as an OpenSearch Dashboards 2.x export writes them (one object per line,
sorted keys, `migrationVersion` of the 7.10 lineage OSD keeps, references by name), which both OSD 2.x
and Kibana 8 import; stable ids make a second import overwrite the first.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGETS = [ROOT / "dashboards/opensearch-dashboards/datamp-admin.ndjson",
           ROOT / "Sources/Dashboards/Resources/datamp-admin.ndjson"]

INDEX_PATTERN_ID = "datamp-admin-logs"
# The hub's default `elasticsearch.index_prefix` (ADMIN_ELASTICSEARCH_INDEX_PREFIX) and its daily indices.
INDEX_PATTERN_TITLE = "datamp-logs-*"
ERROR_LEVELS_QUERY = "log.level:(error or critical or alert or emergency)"
# The panel format both OSD 2.x (forked from Kibana 7.10.2) and Kibana 8's migrations understand.
PANEL_VERSION = "7.10.2"
SEARCH_SOURCE_INDEX = "kibanaSavedObjectMeta.searchSourceJSON.index"

# The fixed fields of the index template: name -> Elasticsearch type. `labels.*` and `attributes` are
# dynamic/flattened and are found by the index pattern's field refresh, not listed here.
FIELDS = {
    "@timestamp": "date", "message": "text", "message.keyword": "keyword",
    "event.id": "keyword", "event.dataset": "keyword", "event.ingested": "date",
    "event.original_timestamp": "keyword", "event.truncated": "boolean",
    "event.dropped_keys": "long", "event.flattened_values": "long",
    "log.level": "keyword", "log.logger": "keyword", "log.original_level": "keyword",
    "service.name": "keyword", "service.environment": "keyword", "host.name": "keyword",
    "trace.id": "keyword", "span.id": "keyword", "http.request.id": "keyword", "user.id": "keyword",
    "error.type": "keyword", "error.message": "text", "error.message.keyword": "keyword",
    "error.stack_trace": "text", "ingest.client_ip": "keyword",
}
KIND = {"date": "date", "text": "string", "keyword": "string", "long": "number", "boolean": "boolean"}


def field_spec(name: str, es_type: str) -> dict:
    spec = {"count": 0, "name": name, "type": KIND[es_type], "esTypes": [es_type], "scripted": False,
            "searchable": True, "aggregatable": es_type != "text", "readFromDocValues": es_type != "text"}
    if name.endswith(".keyword"):
        spec["subType"] = {"multi": {"parent": name.removesuffix(".keyword")}}
    return spec


def meta_fields() -> list:
    return [
        {"count": 0, "name": "_id", "type": "string", "esTypes": ["_id"], "scripted": False,
         "searchable": True, "aggregatable": True, "readFromDocValues": False},
        {"count": 0, "name": "_index", "type": "string", "esTypes": ["_index"], "scripted": False,
         "searchable": True, "aggregatable": True, "readFromDocValues": False},
        {"count": 0, "name": "_score", "type": "number", "scripted": False,
         "searchable": False, "aggregatable": False, "readFromDocValues": False},
        {"count": 0, "name": "_source", "type": "_source", "esTypes": ["_source"], "scripted": False,
         "searchable": False, "aggregatable": False, "readFromDocValues": False},
    ]


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def search_source(query: str = "", index: bool = True) -> str:
    source = {"query": {"query": query, "language": "kuery"}, "filter": [], "highlightAll": True, "version": True}
    if index:
        source["indexRefName"] = SEARCH_SOURCE_INDEX
    return compact(source)


def index_ref() -> list:
    return [{"id": INDEX_PATTERN_ID, "name": SEARCH_SOURCE_INDEX, "type": "index-pattern"}]


def index_pattern() -> dict:
    fields = meta_fields() + [field_spec(n, t) for n, t in FIELDS.items()]
    return {
        "type": "index-pattern", "id": INDEX_PATTERN_ID,
        "attributes": {"title": INDEX_PATTERN_TITLE, "timeFieldName": "@timestamp",
                       "fields": compact(fields), "fieldFormatMap": "{}"},
        "migrationVersion": {"index-pattern": "7.6.0"}, "references": [],
    }


def saved_search(id_: str, title: str, description: str, query: str, columns: list) -> dict:
    return {
        "type": "search", "id": id_,
        "attributes": {"title": title, "description": description, "hits": 0, "columns": columns,
                       "sort": [["@timestamp", "desc"]], "version": 1,
                       "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(query)}},
        "migrationVersion": {"search": "7.9.3"}, "references": index_ref(),
    }


def terms(id_: str, field: str, schema: str, size: int, label: str) -> dict:
    return {"id": id_, "enabled": True, "type": "terms", "schema": schema,
            "params": {"field": field, "orderBy": "1", "order": "desc", "size": size, "otherBucket": True,
                       "otherBucketLabel": "Other", "missingBucket": True, "missingBucketLabel": "(none)",
                       "customLabel": label}}


def count() -> dict:
    return {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {"customLabel": "Events"}}


def bar_params(category: str, stacked: bool = True) -> dict:
    return {
        "type": "histogram", "addLegend": True, "addTooltip": True, "legendPosition": "right",
        "times": [], "addTimeMarker": False, "labels": {"show": False},
        "thresholdLine": {"show": False, "value": 10, "width": 1, "style": "full", "color": "#E7664C"},
        "grid": {"categoryLines": False},
        "categoryAxes": [{"id": "CategoryAxis-1", "type": "category", "position": "bottom", "show": True,
                          "style": {}, "scale": {"type": "linear"}, "labels": {"show": True, "filter": True, "truncate": 100},
                          "title": {"text": category}}],
        "valueAxes": [{"id": "ValueAxis-1", "name": "LeftAxis-1", "type": "value", "position": "left", "show": True,
                       "style": {}, "scale": {"type": "linear", "mode": "normal"},
                       "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                       "title": {"text": "Events"}}],
        "seriesParams": [{"show": True, "type": "histogram", "mode": "stacked" if stacked else "normal",
                          "data": {"label": "Events", "id": "1"}, "valueAxis": "ValueAxis-1",
                          "drawLinesBetweenPoints": True, "lineWidth": 2, "showCircles": True}],
    }


def visualization(id_: str, title: str, description: str, vis_state: dict, search_id: str = None) -> dict:
    attributes = {"title": title, "description": description, "uiStateJSON": "{}", "version": 1,
                  "visState": compact({**vis_state, "title": title})}
    if search_id:
        attributes["savedSearchRefName"] = "search_0"
        attributes["kibanaSavedObjectMeta"] = {"searchSourceJSON": search_source(index=False)}
        references = [{"id": search_id, "name": "search_0", "type": "search"}]
    else:
        attributes["kibanaSavedObjectMeta"] = {"searchSourceJSON": search_source()}
        references = index_ref()
    return {"type": "visualization", "id": id_, "attributes": attributes,
            "migrationVersion": {"visualization": "7.10.0"}, "references": references}


def dashboard(panels: list) -> dict:
    panels_json, references = [], []
    for n, (vis_type, id_, x, y, w, h) in enumerate(panels):
        panels_json.append({"version": PANEL_VERSION, "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(n + 1)},
                            "panelIndex": str(n + 1), "embeddableConfig": {}, "panelRefName": f"panel_{n}"})
        references.append({"id": id_, "name": f"panel_{n}", "type": vis_type})
    return {
        "type": "dashboard", "id": "datamp-admin-overview",
        "attributes": {
            "title": "DataMP Admin: logs", "hits": 0, "version": 1,
            "description": "Events by level and service over time, errors by service and type, the latest events and errors.",
            "panelsJSON": compact(panels_json), "optionsJSON": compact({"hidePanelTitles": False, "useMargins": True}),
            "timeRestore": True, "timeFrom": "now-24h", "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 60000},
            "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(index=False)},
        },
        "migrationVersion": {"dashboard": "7.9.3"}, "references": references,
    }


def objects() -> list:
    over_time = {"type": "histogram", "params": bar_params("@timestamp per interval"), "aggs": [
        count(),
        {"id": "2", "enabled": True, "type": "date_histogram", "schema": "segment",
         "params": {"field": "@timestamp", "useNormalizedOpenSearchInterval": True, "useNormalizedEsInterval": True,
                    "scaleMetricValues": False, "interval": "auto", "drop_partials": False, "min_doc_count": 1,
                    "extended_bounds": {}, "customLabel": "Time"}},
        terms("3", "log.level", "group", 9, "Level"),
    ]}
    by_service = {"type": "table", "params": {"perPage": 20, "showPartialRows": False, "showMetricsAtAllLevels": False,
                                              "showTotal": True, "totalFunc": "sum", "percentageCol": ""},
                  "aggs": [count(), terms("2", "service.name", "bucket", 25, "Service"),
                           terms("3", "log.level", "bucket", 9, "Level")]}
    errors = {"type": "histogram", "params": bar_params("Service"), "aggs": [
        count(), terms("2", "service.name", "segment", 20, "Service"), terms("3", "error.type", "group", 10, "Error type"),
    ]}
    return [
        index_pattern(),
        saved_search("datamp-admin-all-logs", "DataMP logs", "Every event the hub stored, newest first.", "",
                     ["service.name", "log.level", "message"]),
        saved_search("datamp-admin-errors", "DataMP errors",
                     "Events at level error or above, with the exception type and message.", ERROR_LEVELS_QUERY,
                     ["service.name", "log.level", "error.type", "error.message", "message"]),
        visualization("datamp-admin-levels-over-time", "DataMP events over time by level",
                      "Event count per interval, stacked by log.level.", over_time),
        visualization("datamp-admin-service-level-table", "DataMP events by service and level",
                      "Event count per service.name and log.level in the selected range.", by_service),
        visualization("datamp-admin-errors-by-service", "DataMP errors by service and type",
                      "Events at level error or above per service.name, split by error.type.", errors,
                      search_id="datamp-admin-errors"),
        dashboard([
            ("visualization", "datamp-admin-levels-over-time", 0, 0, 48, 14),
            ("visualization", "datamp-admin-service-level-table", 0, 14, 24, 16),
            ("visualization", "datamp-admin-errors-by-service", 24, 14, 24, 16),
            ("search", "datamp-admin-errors", 0, 30, 48, 18),
            ("search", "datamp-admin-all-logs", 0, 48, 48, 18),
        ]),
    ]


def main() -> None:
    text = "".join(compact(o) + "\n" for o in objects())
    for target in TARGETS:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
