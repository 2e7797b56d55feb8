package service_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/service"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// startAPI runs the API alone (embedded Redis, no worker) with cfg and
// returns its address.
func startAPI(t *testing.T, cfg config.Config, logs io.Writer) string {
	t.Helper()
	cfg.APIAddr = "127.0.0.1:0"
	cfg.ShutdownTimeout = time.Second
	m, err := service.OpenEmbedded(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- m.RunAPI(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("run: %v", err)
		}
		m.Close()
	})
	select {
	case addr := <-m.Addr:
		return addr
	case err := <-errc:
		t.Fatal(err)
	}
	return ""
}

// A client that stops sending its body is cut at the read timeout with a
// 408, logged at INFO; a progress stream outlives the timeout.
func TestReadTimeout(t *testing.T) {
	logs := &testenv.Logs{}
	addr := startAPI(t, config.Config{ReadTimeout: time.Second, ProgressInterval: 50 * time.Millisecond}, logs)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute)) // a guard, far beyond the 1s timeout
	part := `{"full_docs": ["a slow`
	fmt.Fprintf(conn, "POST /topics/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(part)+100, part)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil) // the client sends nothing more
	if err != nil {
		t.Fatalf("the stalled request got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("stalled body: status %d, want 408", resp.StatusCode)
	}

	body, _ := json.Marshal(map[string]any{"full_docs": []string{"one text", "another text"}, "topic_param": map[string]any{"n_clusters": 1}})
	resp, err = http.Post("http://"+addr+"/topics/", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var queued struct {
		TaskID string `json:"task_id"`
	}
	json.NewDecoder(resp.Body).Decode(&queued)
	resp.Body.Close()
	if queued.TaskID == "" {
		t.Fatalf("POST /topics/: %d", resp.StatusCode)
	}
	// No worker runs: the stream sends PENDING every 50ms. 40 events take
	// two read timeouts.
	resp, err = http.Get("http://" + addr + "/tasks/topics/" + queued.TaskID + "/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	events := 0
	for events < 40 && sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") {
			events++
		}
	}
	if events < 40 {
		t.Errorf("the progress stream ended after %d events (%v)", events, sc.Err())
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("ERROR lines:\n%s", logs.String())
	}
}
