package memory_test

import (
	"testing"

	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return memory.New() })
}
