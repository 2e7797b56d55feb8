package engine

import (
	"io"
	"log/slog"
	"testing"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestPipelineConfig(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		desc    string
		env     map[string]string
		wantErr bool
	}{
		{desc: "empty environment: builtin embedder", env: nil},
		{desc: "builtin asked", env: map[string]string{"BUNKA_EMBEDDER": "builtin"}},
		{desc: "onnx asked without model", env: map[string]string{"BUNKA_EMBEDDER": "onnx", "BUNKA_MODEL_DIR": t.TempDir()}, wantErr: true},
		{desc: "unknown embedder", env: map[string]string{"BUNKA_EMBEDDER": "word2vec"}, wantErr: true},
		{desc: "llm key", env: map[string]string{"OPEN_AI_KEY": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			cfg, release, err := PipelineConfig(env(tt.env), log)
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			if cfg.Embedder != nil {
				t.Errorf("embedder %s, want nil (builtin, made per job)", cfg.Embedder.Name())
			}
			if cfg.Namer == nil {
				t.Error("no namer: jobs asking for clean topics could not log why they keep term names")
			}
		})
	}
}
