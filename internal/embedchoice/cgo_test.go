//go:build cgo

package embedchoice

const cgoEnabled = true
