// Package device names where a backend computes: the CPU, a CUDA GPU, or
// the best one found at start-up. Every backend (the ONNX embedder today; a
// GPU k-NN search or layout optimiser beside the CPU ones) takes this one
// typed value from the configuration (BUNKA_DEVICE), and the pipeline reads
// it from its Config rather than asking its parts.
package device

import "fmt"

// Device is where a backend computes. The zero value means Auto.
type Device string

// Devices.
const (
	Auto Device = "auto" // CUDA when it works, else the CPU
	CPU  Device = "cpu"
	CUDA Device = "cuda" // CUDA, or a start-up error
)

// Parse reads auto, cpu or cuda; "" is Auto.
func Parse(s string) (Device, error) {
	switch d := Device(s); d {
	case "":
		return Auto, nil
	case Auto, CPU, CUDA:
		return d, nil
	}
	return "", fmt.Errorf("device %q: want auto, cpu or cuda", s)
}

// OrAuto returns d, or Auto for the zero value.
func (d Device) OrAuto() Device {
	if d == "" {
		return Auto
	}
	return d
}

// Valid reports whether d is the zero value or one of the devices.
func (d Device) Valid() bool {
	_, err := Parse(string(d))
	return err == nil
}
