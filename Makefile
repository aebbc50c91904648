# The two commands a new machine needs:
#   make run   install, build, migrate, load demo data, serve on SQLite (prints URL and a demo key)
#   make test  install, build with sanitizers, run unit + database + API tests (SQLite and PostgreSQL)
DATA_DIR ?= $(CURDIR)/var
PORT ?= 8080

.PHONY: run test setup build build-release bench bench-ingest bench-risk bench-search bench-docs bench-ask bench-bot bench-web bench-cluster smoke format format-check tidy clean

setup:
	@scripts/setup

build: setup
	cmake --preset debug >/dev/null
	cmake --build --preset debug

build-release: setup
	cmake --preset release >/dev/null
	cmake --build --preset release --target zakupai

run: build-release
	@ZAKUPAI_DATA_DIR=$(DATA_DIR) build/release/zakupai migrate
	@ZAKUPAI_DATA_DIR=$(DATA_DIR) build/release/zakupai seed-demo --if-empty --key-file $(DATA_DIR)/demo-api-key
	@echo
	@echo "  ZakupAI:      http://127.0.0.1:$(PORT)   (web panel: log in with the demo key; API docs: http://127.0.0.1:$(PORT)/docs)"
	@echo "  Demo API key: $$(cat $(DATA_DIR)/demo-api-key)"
	@echo "  Try:          curl -s -X POST http://127.0.0.1:$(PORT)/calc/vat -H 'X-API-Key: '\"$$(cat $(DATA_DIR)/demo-api-key)\" -d '{\"amount\":1160}'"
	@echo
	@ZAKUPAI_DATA_DIR=$(DATA_DIR) ZAKUPAI_PORT=$(PORT) exec build/release/zakupai serve

test: setup
	@scripts/test

bench: build-release bench-ingest bench-risk bench-search bench-docs bench-ask
	@scripts/setup --bench
	@bench/http/run

bench-risk: build-release
	@bench/risk/run

bench-search: build-release
	@bench/search/run

bench-docs: build-release
	@bench/docs/run

bench-ask: build-release
	@bench/ask/run

bench-bot: setup
	@bench/bot/run

bench-web: build-release
	@bench/web/run

bench-cluster: build-release
	cmake --build --preset release --target fake_ows
	@bench/cluster/run

bench-ingest: build-release
	cmake --build --preset release --target fake_ows
	@bench/ingest/run

# Checks a deployed instance end to end: make smoke URL=https://... KEY=...
smoke:
	@scripts/smoke "$(URL)" "$(KEY)"

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror

tidy: build
	@scripts/tidy

clean:
	rm -rf build
