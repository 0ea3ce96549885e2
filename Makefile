# tisheng — every task has a make target. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
UV_VERSION := 0.13.8
BOOT := .uv
UV := $(BOOT)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install demo serve test test-postgres lint format bench messages migrations-check clean help

help:
	@echo "make demo     生成演示区县并启动网站 http://127.0.0.1:8000（首次运行会自动安装环境）"
	@echo "make test     运行全部测试（SQLite；设置 DATABASE_URL 可在 PostgreSQL 上运行）"
	@echo "make lint     ruff 检查、格式检查、迁移完整性检查"
	@echo "make bench    运行基准测试，结果写入 bench/results/*.json（只跑一项：make bench BENCH=health）"
	@echo "make install  只安装/更新环境（幂等）"

# The environment: a private uv in .uv/, then the locked dependencies in .venv/ (idempotent).
install: $(VENV)/.installed

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

demo: install
	$(VENV)/bin/tisheng demo --reset

serve: install
	$(VENV)/bin/tisheng serve

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tisheng} $(VENV)/bin/pytest -n $(TEST_WORKERS)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/tisheng manage makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

bench: install
	$(VENV)/bin/python bench/run.py $(BENCH)

# Translations: extract the English message ids and compile the Chinese catalogue (needs GNU gettext).
messages: install
	cd src/tisheng && ../../$(VENV)/bin/django-admin makemessages --locale zh_Hans --no-obsolete --ignore "migrations/*" \
		&& ../../$(VENV)/bin/django-admin compilemessages --locale zh_Hans

clean:
	rm -rf $(VENV) $(BOOT) .pytest_cache .ruff_cache
