-- POST /calc/vat with a key from the environment; the same request for both servers.
wrk.method = "POST"
wrk.body = '{"amount":1160,"vat_rate":16,"include_vat":true,"lot_id":42}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY")
