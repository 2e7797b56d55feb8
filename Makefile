SHELL := /bin/bash
.PHONY: build test run

# Names of images, containers and the Docker network, as in the original;
# .env (copied from .env.model) may override them.
-include .env
API_IMAGE_NAME ?= bunkatopicsapi
WORKER_IMAGE_NAME ?= bunkatopicsworker
API_CONTAINER_NAME ?= bunkaapi
WORKER_CONTAINER_NAME ?= bunkaworker
DOCKER_NETWORK ?= bunkatopics_network
# Give the worker the host's GPUs; set DOCKER_GPUS= on a host without one.
DOCKER_GPUS ?= --gpus all

build:
	go build -o bin/ ./cmd/...

# The tests need Redis on 127.0.0.1:6379, PostgreSQL on 127.0.0.1:5432
# (database test, user postgres, trust; BUNKA_TEST_DATABASE_URL overrides) and, for the ONNX embedder's
# tests, the ONNX Runtime library that make ort fetches.
test: ort
	go vet ./...
	go test -race -count=1 ./...

# The API and a worker in one process on :8000; without REDIS_URL or
# REDIS_ADDR it uses an embedded in-memory Redis that keeps nothing.
run:
	go run ./cmd/bunka serve

#############
# Deployment (Docker and nginx), as the original's targets
#############
.PHONY: docker_create_network docker_run_redis install_nginx_config docker_build docker_build_worker \
	docker_run docker_run_worker docker_run_attach docker_run_worker_attach compose_up compose_down

docker_create_network:
	docker network create $(DOCKER_NETWORK)

# Redis with append-only persistence, so that queued jobs and results
# survive a restart.
docker_run_redis:
	docker run --restart=always --network $(DOCKER_NETWORK) -d -p 127.0.0.1:6379:6379 \
		-v bunka-redis-data:/data --name redis redis:7-alpine redis-server --appendonly yes

install_nginx_config:
	cp nginx/bunka-dev.conf /etc/nginx/sites-enabled/ && systemctl reload nginx

docker_build:
	docker build -f Dockerfile.api -t $(API_IMAGE_NAME) .

docker_build_worker:
	docker build -f Dockerfile.worker -t $(WORKER_IMAGE_NAME) .

# The API on host port 8001, where the nginx configurations send /api/.
docker_run:
	docker run --restart=always --network $(DOCKER_NETWORK) --env-file .env -e REDIS_ADDR=redis:6379 \
		-d -p 127.0.0.1:8001:8000 --name $(API_CONTAINER_NAME) $(API_IMAGE_NAME)

docker_run_attach:
	docker run --network $(DOCKER_NETWORK) --env-file .env -e REDIS_ADDR=redis:6379 \
		-p 127.0.0.1:8001:8000 --name $(API_CONTAINER_NAME) $(API_IMAGE_NAME)

docker_run_worker:
	docker run --restart=always --network $(DOCKER_NETWORK) --env-file .env -e REDIS_ADDR=redis:6379 \
		-d $(DOCKER_GPUS) --stop-timeout 60 --name $(WORKER_CONTAINER_NAME) $(WORKER_IMAGE_NAME)

docker_run_worker_attach:
	docker run --network $(DOCKER_NETWORK) --env-file .env -e REDIS_ADDR=redis:6379 \
		$(DOCKER_GPUS) --name $(WORKER_CONTAINER_NAME) $(WORKER_IMAGE_NAME)

# The original's names for the same targets.
.PHONY: build_docker build_docker_worker run_docker run_docker_worker
build_docker: docker_build
build_docker_worker: docker_build_worker
run_docker: docker_run
run_docker_worker: docker_run_worker

# Everything at once: Redis, API, worker and nginx (deploy/docker-compose.yml).
compose_up:
	docker compose -f deploy/docker-compose.yml up -d --build

compose_down:
	docker compose -f deploy/docker-compose.yml down

# ONNX Runtime shared library and the MiniLM model (scripts/get_ort.sh,
# scripts/get_model.sh); both are idempotent and neither result is committed.
.PHONY: ort model
ort:
	./scripts/get_ort.sh

model:
	./scripts/get_model.sh

#############
# GPU build (build tag cuda, gorgonia.org/cu): CUDA 11.8 headers, stub
# libcuda.so, nvcc and ptxas from scripts/get_cuda.sh. The tagged binaries
# need the NVIDIA driver and a GPU to start (see README, "GPU").
#############
.PHONY: cuda gpu gpu_vet ptx ptxcheck gpu_check_bundle
CUDA_STUBS ?= /usr/lib/x86_64-linux-gnu/stubs
GPU_ENV = CGO_ENABLED=1 CGO_LDFLAGS="-L$(CUDA_STUBS)"
# Packages with files for the cuda tag, whose test binaries differ under it.
CUDA_PKGS = $(shell grep -rl --include='*.go' '^//go:build cuda' internal cmd | xargs -r -n1 dirname | sort -u | sed 's|^|./|')

cuda:
	./scripts/get_cuda.sh

gpu:
	$(GPU_ENV) go build -tags cuda -o bin/ ./cmd/bunka ./cmd/bunkaworker

# Vet and compile everything under the tag, test binaries included, without
# running them (they exit at start without a GPU).
gpu_vet:
	$(GPU_ENV) go vet -tags cuda ./...
	$(GPU_ENV) go build -tags cuda ./...
	$(GPU_ENV) go test -tags cuda -count=1 -exec true $(CUDA_PKGS)

# Regenerate internal/cuda/*.ptx from the .cu files (nvcc).
ptx:
	go generate ./internal/cuda

# Assemble each PTX file for Hopper (sm_90) and Volta (sm_70), the newest and
# oldest targets, as a check that the driver's JIT will accept it.
ptxcheck:
	@for f in internal/cuda/*.ptx; do \
		for a in sm_70 sm_90; do ptxas -arch=$$a -o /dev/null $$f || exit 1; done; \
		echo "ptxas sm_70, sm_90: $$f ok"; \
	done

# The folder that scripts/gpu_check.sh runs from on a GPU host (no Go there):
# bin/bunka with the tag, the tagged test binaries of every package with
# cuda test files, vecgen, the Debian corpora (BUNKA_DATA, default
# ../shared/data) and the script. Copy $(GPUBIN) over and run
# $(GPUBIN)/gpu_check.sh.
GPUBIN ?= gpubin
BUNKA_DATA ?= ../shared/data
CUDA_TEST_PKGS = $(shell grep -rl --include='*_test.go' '^//go:build cuda' internal cmd | xargs -r -n1 dirname | sort -u | sed 's|^|./|')
gpu_check_bundle: gpu
	rm -rf $(GPUBIN) && mkdir -p $(GPUBIN)/tests $(GPUBIN)/data
	cp bin/bunka scripts/gpu_check.sh $(GPUBIN)/
	go build -o $(GPUBIN)/vecgen ./scripts/vecgen
	for p in $(CUDA_TEST_PKGS); do \
		$(GPU_ENV) go test -c -tags cuda -o $(GPUBIN)/tests/$$(echo $${p#./} | tr / _).test $$p || exit 1; \
	done
	cp $(BUNKA_DATA)/debian_en_10k.csv $(BUNKA_DATA)/debian_en_2k.csv $(GPUBIN)/data/
	du -sh $(GPUBIN)
