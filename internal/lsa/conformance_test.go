package lsa_test

import (
	"testing"

	"github.com/bunkatopics/bunka-go/internal/embed/embedtest"
	"github.com/bunkatopics/bunka-go/internal/lsa"
)

func TestEmbedderConformance(t *testing.T) { embedtest.Run(t, lsa.New(lsa.Options{})) }
