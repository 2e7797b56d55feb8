SHELL := /bin/bash
.PHONY: build test

build:
	go build -o bin/ ./cmd/...

test:
	go vet ./...
	go test -race -count=1 ./...

# ONNX Runtime shared library and the MiniLM model (scripts/get_ort.sh,
# scripts/get_model.sh); both are idempotent and neither result is committed.
.PHONY: ort model
ort:
	./scripts/get_ort.sh

model:
	./scripts/get_model.sh
