"""`miner report`: the report's data from the named queries of queries/reports/ (`data`), what
each section shows (`layout`), and one renderer per format: `terminal`, `markdown`, `html` (with
`charts`) and `long_csv`; JSON is the data itself."""
