package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/bunkatopics/bunka-go/internal/device"
)

// devFlag is the --device flag of the commands that compute: auto, cpu or
// cuda, standing for BUNKA_DEVICE.
type devFlag struct{ s *string }

func deviceFlag(fs *flag.FlagSet) devFlag {
	return devFlag{fs.String("device", "", "where to compute: auto (the GPU when one is usable, else the CPU), cpu or cuda (the GPU, or an error); default: BUNKA_DEVICE, else auto")}
}

// device returns the device the flag asks for, else BUNKA_DEVICE's (read
// through lookup), else device.Auto.
func (f devFlag) device(lookup func(string) (string, bool)) (device.Device, error) {
	if s := norm(*f.s); s != "" {
		d, err := device.Parse(s)
		if err != nil {
			return "", fmt.Errorf("--device: %w", err)
		}
		return d, nil
	}
	v, _ := lookup("BUNKA_DEVICE")
	d, err := device.Parse(norm(v))
	if err != nil {
		return "", fmt.Errorf("BUNKA_DEVICE: %w", err)
	}
	return d, nil
}

// norm reads a device name as BUNKA_DEVICE is read (embedchoice.FromEnv).
func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// withEnv returns lookup with key set to value.
func withEnv(lookup func(string) (string, bool), key, value string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if k == key {
			return value, true
		}
		return lookup(k)
	}
}
