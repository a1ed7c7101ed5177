# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-slow test-all bench lint kb-check clean

install: $(STAMP)

# Re-installs only when pyproject.toml changed, so `make run` stays fast.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# With TELEGRAM_BOT_TOKEN and/or MAX_BOT_TOKEN (environment or .env) runs the bot on those
# messengers; without either, the terminal chat.
run: install
	@if [ -n "$$TELEGRAM_BOT_TOKEN$$MAX_BOT_TOKEN" ] || grep -qsE '^(TELEGRAM|MAX)_BOT_TOKEN=.+' .env; then \
		$(BIN)/smolbot run; \
	else \
		echo "Neither TELEGRAM_BOT_TOKEN nor MAX_BOT_TOKEN is set: starting the terminal chat instead."; \
		echo "To run the bot, put TELEGRAM_BOT_TOKEN=<token from @BotFather> and/or MAX_BOT_TOKEN=<token from business.max.ru> into .env (see .env.example)."; \
		$(BIN)/smolbot chat; \
	fi

# Test processes (pytest-xdist). Three on two cores: while one test waits on a clock (a
# retry-after, the send pacing, a subprocess), the others have the CPU.
JOBS ?= 3

# The fast tier: everything but the tests marked `slow`. mypy is one of its tests
# (tests/test_types.py), run first, beside the others.
test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(JOBS) -m "not slow"

# The tests slow by nature (marked `slow`): `smolbot run` as a process (started, killed,
# restarted, flooded), Telegram failing for 8 s, broadcasts stopped mid-way.
test-slow: install
	$(BIN)/pytest -n $(JOBS) -m slow

test-all: test test-slow

bench: install
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

kb-check: install
	$(BIN)/smolbot kb check

clean:
	rm -rf $(VENV) var build *.egg-info
