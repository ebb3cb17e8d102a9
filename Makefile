# knsim: a Knative-compatible serverless stack and its simulation test-bed.
#   make run    run the shipped scenarios in virtual time (on the memory control
#               plane; CONTROL_PLANE= as each file says), write
#               out/report.html, run hey-burst in real mode too and add it to
#               the report, run the sweep of scaling policies over a day
#               (out/azure-diurnal-policies/sweep.html), then keep the stack
#               up for kubectl, curl and hey (Ctrl-C stops)
#   make test   build the envtest binaries when missing, then run every suite
#   make test-unit  run the tests that need no kube-apiserver (under 2 minutes)
#   make up     start the stack for kubectl, curl and hey (knsim up)
#   make gate   the performance gates against bench/baselines (docs/gates.md)

SHELL := /usr/bin/env bash
GO ?= go

K8S_VERSION  := 1.37.2
ETCD_VERSION := 3.6.5
CONTROLLER_TOOLS_VERSION := 0.23.0

# Per-user cache shared by every clone on this machine, keyed by version.
CACHE_HOME  ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/knsim
ENVTEST_DIR ?= $(CACHE_HOME)/envtest/k8s-$(K8S_VERSION)-etcd-$(ETCD_VERSION)
CONTROLLER_GEN := $(CACHE_HOME)/bin/controller-gen-$(CONTROLLER_TOOLS_VERSION)
CRDPATCH := $(CACHE_HOME)/bin/crdpatch

export KUBEBUILDER_ASSETS := $(ENVTEST_DIR)

TEST_FLAGS ?=
# The scenario suite takes 4 to 5 minutes on 2 cores; go test's default
# 10-minute limit per package leaves too little margin on a loaded machine.
TEST_TIMEOUT ?= 30m
RUN_ARGS ?=
UP_ARGS ?=
OUT ?= out
SCENARIOS ?= $(wildcard scenarios/*.yaml)
# Also run in real mode (wall clock, loopback HTTP, hey), side by side with
# their virtual runs in the report.
REAL_SCENARIOS ?= scenarios/hey-burst.yaml
# Sweeps run after the scenarios (their reports come first), each into
# $(OUT)/<name> with its frontier report there (docs/sweep.md).
SWEEPS ?= $(wildcard scenarios/sweeps/*.sweep.yaml)
SWEEP_REPORT_ARGS ?= --objective cost --constraint 'coldstarts.rate < 0.001'
# The control plane of the report's virtual runs. The memory plane runs all
# of them in about a minute; the scenario suite holds it to the envtest
# goldens (scenarios/memory_test.go). CONTROL_PLANE= runs each on the plane
# its file names (envtest for most: a kube-apiserver start-up of several
# seconds per scenario); CONTROL_PLANE=envtest puts every one on envtest,
# the day-long Azure trace too.
CONTROL_PLANE ?= memory

.PHONY: all run report up test test-unit test-race envtest generate rbac lint vet fmt bench bench-fleet build clean-envtest help knative-ref fuzz gate bench-compare soak

all: build

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/knsim
	$(GO) build -o bin/knsim ./cmd/knsim

run: envtest build ## run the shipped scenarios (report in $(OUT)/report.html), then knsim up
	-$(MAKE) --no-print-directory report
	@echo "report: $(abspath $(OUT))/report.html"
	bin/knsim up $(UP_ARGS)

# Every scenario runs even when one fails its expectations; the report shows
# the verdicts, and the target fails if a virtual run did. The report is
# written once the virtual runs are done, and again with the real-mode runs
# beside them, which take their scenarios' duration in wall time. Real-mode
# runs depend on the machine (a loaded CI runner serves fewer requests), so
# their verdicts are reported but do not fail the target.
report: envtest build ## only run the shipped scenarios and write $(OUT)/report.html
	@mkdir -p $(OUT) && rm -f $(OUT)/*.json
	bin/knsim run --report --out $(OUT) $(if $(CONTROL_PLANE),--control-plane $(CONTROL_PLANE)) $(RUN_ARGS) $(SCENARIOS); v=$$?; \
	  if [ -n "$(REAL_SCENARIOS)" ]; then \
	    echo "report of the virtual runs: $(abspath $(OUT))/report.html; real mode next: $(REAL_SCENARIOS)"; \
	    bin/knsim run --mode real --out $(OUT) $(RUN_ARGS) $(REAL_SCENARIOS) || echo "(real-mode verdicts are in the report)"; \
	    bin/knsim report --out $(OUT) $(OUT)/*.json || v=1; \
	  fi; \
	  for f in $(SWEEPS); do \
	    d=$(OUT)/$$(basename $$f .sweep.yaml); rm -rf $$d; \
	    bin/knsim sweep --out $$d $$f && bin/knsim report --out $$d $(SWEEP_REPORT_ARGS) $$d && echo "sweep report: $(abspath $(OUT))/$$(basename $$f .sweep.yaml)/sweep.html" || v=1; \
	  done; exit $$v

up: envtest ## start knsim up: Serving and Eventing on a real kube-apiserver, for kubectl, curl and hey
	$(GO) run ./cmd/knsim up $(UP_ARGS)

test: envtest ## run every suite (unit, envtest, scenarios) through go test; JUnit in $(OUT)/
	@mkdir -p $(OUT)
	KNSIM_JUNIT=$(CURDIR)/$(OUT)/junit-scenarios.xml $(GO) test -timeout $(TEST_TIMEOUT) $(TEST_FLAGS) ./...

# test-unit leaves out what starts kube-apiserver (envtest): the packages
# all of whose tests do, and the Ginkgo suites of packages that also hold
# plain tests (the suites of sim/cluster and sim/runner start envtest; the
# Serving shell's suite does not). ./scenarios goes too: most
# scenarios run on envtest, and the two on the memory plane replay traces
# for tens of seconds. cmd/knsim's tests link envtest but never start it.
ENVTEST_PKGS  := sim/world|sim/servingtest|sim/eventingtest|bench/cluster|bench/controlplane|bench/durablekill|scenarios
ENVTEST_TESTS := ^Test(Cluster|Runner)$$

test-unit: ## run the tests that need no envtest (no kube-apiserver; under 2 minutes)
	$(GO) test $(TEST_FLAGS) -skip '$(ENVTEST_TESTS)' \
	  $$($(GO) list ./... | grep -vxE 'github.com/knsim/knsim/($(ENVTEST_PKGS))')

# The fuzz targets, as package:FuzzName; each runs for FUZZTIME, one after
# another (go test -fuzz takes one target at a time). Crashers are written
# to the package's testdata/fuzz/ and become regression seeds.
FUZZTIME ?= 10m
FUZZ_TARGETS ?= \
	./sim/scenario:FuzzParse \
	./sim/scenario:FuzzParseDuration \
	./sim/expect:FuzzParse \
	./sim/traffic:FuzzParseAzureTrace \
	./system/network:FuzzClassify \
	./system/ingress:FuzzRoute \
	./system/eventing/broker:FuzzIngressDecode \
	./system/eventing/wire:FuzzDecodeBinaryMatchesSDK \
	./system/eventing/filter:FuzzCESQL \
	./system/eventing/delivery:FuzzParseDuration \
	./system/eventing/delivery:FuzzFormatDuration

fuzz: ## run each fuzz target for FUZZTIME (default 10m)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $$t for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) "$${t%%:*}"; \
	done

test-race: envtest ## race-check the core packages
	$(GO) test -race ./system/... ./sim/...

envtest: $(ENVTEST_DIR)/kube-apiserver $(ENVTEST_DIR)/etcd ## build the envtest binaries from Go modules (cached)

# No file prerequisites: a fresh clone's go.mod is newer than the cached binary,
# and the version is already part of the folder name.
$(ENVTEST_DIR)/kube-apiserver $(ENVTEST_DIR)/etcd:
	tools/envtest/build.sh $(ENVTEST_DIR)

$(CONTROLLER_GEN):
	@mkdir -p $(dir $@)
	cd tools/codegen && $(GO) build -o $@ sigs.k8s.io/controller-tools/cmd/controller-gen

.PHONY: $(CRDPATCH)
$(CRDPATCH):
	@mkdir -p $(dir $@)
	cd tools/codegen && $(GO) build -o $@ ./crdpatch

generate: $(CONTROLLER_GEN) $(CRDPATCH) ## regenerate deepcopy code and CRDs with controller-gen
	$(CONTROLLER_GEN) object paths=./system/apis/...
	$(CONTROLLER_GEN) crd:generateEmbeddedObjectMeta=true paths=./system/apis/... output:crd:dir=system/config/crd
	$(CRDPATCH) system/config/crd/*.yaml

# The controllers' ClusterRole, from the +kubebuilder:rbac markers of the
# reconcilers, the webhook, the resolver, the shells' reads (system/topology)
# and the cluster emulation; service_account.yaml and role_binding.yaml
# beside it are written by hand.
rbac: $(CONTROLLER_GEN) ## regenerate the controllers' ClusterRole (system/config/rbac/role.yaml) from the rbac markers
	$(CONTROLLER_GEN) rbac:roleName=knsim-controller paths=./system/... paths=./sim/cluster/... paths=./sim/gc/... output:rbac:dir=system/config/rbac

fmt: ## gofmt the tree
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

# TestLayering fails when a package under system/ imports one under sim/;
# -count=1 because go test cannot tell when the imports it lists change.
lint: vet ## gofmt check, go vet, and the layering rule (system/ never imports sim/)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) test -count=1 -run '^TestLayering$$' ./system/

# The autoscaler conformance cases: traces and settings, and the decisions of
# Knative Serving's own autoscaler code on them (tools/knativeref, a separate
# Go module; this target downloads it from the Go module proxy).
# TestAutoscalerReplayMatchesKnative compares knsim's replay with them.
KNATIVE_CASES := cmd/knsim/testdata/knative
knative-ref: ## regenerate the autoscaler conformance traces and Knative's reference decisions
	cd tools/knativeref && $(GO) build -o $(CACHE_HOME)/bin/knativeref .
	$(CACHE_HOME)/bin/knativeref --gen-traces $(KNATIVE_CASES)
	$(CACHE_HOME)/bin/knativeref --cases $(KNATIVE_CASES)

# bench ends with a short fleet run (20 and 50 Services, 10 virtual
# minutes); bench-fleet runs the whole grid of docs/performance.md (the
# 24-hour runs of the larger fleets take a long time).
bench: ## run the Go benchmarks and a short fleet benchmark
	$(GO) test -run '^$$' -bench . -benchmem ./bench/...
	$(GO) run ./bench/fleet/cmd/fleet -n 20,50 -durations 10m

bench-fleet: ## run the fleet benchmark (20 to 200 Services x 1h, 24h) and print its Markdown table
	$(GO) run ./bench/fleet/cmd/fleet -markdown

SOAKTIME ?= 5m

soak: envtest ## soak knsim up under HTTP and CloudEvents load for SOAKTIME (default 5m); exit 1 on a leak (docs/reliability.md)
	$(GO) run ./bench/upsoak/cmd/upsoak -duration $(SOAKTIME)

# The performance gates (docs/gates.md): each gate file's scenarios over its
# seeds, compared with bench/baselines/; fails on a regression (exit 1) and
# tells errors apart (exit 2). The report is in $(OUT)/gate/.
GATES ?= $(wildcard scenarios/gates/*.gate.yaml)
GATE_ARGS ?=
gate: build ## run the performance gates (scenarios/gates) against bench/baselines; fails on a regression
	bin/knsim gate --out $(OUT)/gate $(GATE_ARGS) $(GATES)

# bench-compare runs the Go benchmarks on BASE (a git ref, checked out in a
# temporary worktree) and on the working tree, BENCH_COUNT times each, and
# prints benchstat's comparison. BENCHTIME is short: the scenario-sized
# benchmarks run once per count, the micro-benchmarks long enough to settle.
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
BENCHSTAT := $(CACHE_HOME)/bin/benchstat-$(BENCHSTAT_VERSION)
BASE ?=
BENCH ?= .
BENCH_COUNT ?= 6
BENCHTIME ?= 200ms
BENCH_PKGS ?= ./bench/...

$(BENCHSTAT):
	@mkdir -p $(dir $@)
	GOBIN=$(CACHE_HOME)/bin/benchstat.d $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)
	mv $(CACHE_HOME)/bin/benchstat.d/benchstat $@ && rmdir $(CACHE_HOME)/bin/benchstat.d

bench-compare: $(BENCHSTAT) ## compare the Go benchmarks of BASE=<git ref> with the working tree (benchstat)
	@test -n "$(BASE)" || { echo "usage: make bench-compare BASE=<git ref> [BENCH=regexp] [BENCH_PKGS=./bench/engine] [BENCH_COUNT=6]"; exit 2; }
	@set -euo pipefail; tmp=$$(mktemp -d); \
	  trap 'git worktree remove --force "$$tmp/base" >/dev/null 2>&1 || true; rm -rf "$$tmp"' EXIT; \
	  git worktree add --quiet --detach "$$tmp/base" "$(BASE)"; \
	  bench() { $(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -count $(BENCH_COUNT) $(BENCH_PKGS); }; \
	  echo "bench-compare: $(BASE) = $$(git rev-parse --short '$(BASE)^{commit}') against the working tree"; \
	  (cd "$$tmp/base" && bench) > "$$tmp/base.txt"; \
	  bench > "$$tmp/head.txt"; \
	  $(BENCHSTAT) base="$$tmp/base.txt" head="$$tmp/head.txt"

clean-envtest: ## remove the cached envtest binaries
	rm -rf $(ENVTEST_DIR)
