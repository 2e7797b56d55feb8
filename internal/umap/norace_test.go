//go:build !race

package umap_test

const raceEnabled = false
