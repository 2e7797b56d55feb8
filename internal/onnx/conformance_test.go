package onnx

import (
	"testing"

	"github.com/bunkatopics/bunka-go/internal/embed/embedtest"
)

// TestEmbedderConformance runs the embedder suite on the tiny committed
// model (testdata).
func TestEmbedderConformance(t *testing.T) { embedtest.Run(t, newTiny(t, Options{})) }
