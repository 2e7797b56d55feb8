// Package npy reads and writes NumPy .npy files holding a 2-D array of
// float32 or float64 values, the exchange format of the command-line tools
// and the benchmark scripts.
//
// The format is NumPy's NEP 1 ("A simple file format for NumPy arrays",
// numpy/lib/format.py): the magic "\x93NUMPY", a major and minor version, a
// little-endian header length (2 bytes in version 1.0, 4 bytes in 2.0 and
// 3.0), then a Python dict literal with the keys 'descr', 'fortran_order'
// and 'shape', padded with spaces to a multiple of 64 bytes and ended by a
// newline, then the raw data.
//
// Read accepts little-endian float32 ('<f4') and float64 ('<f8') arrays in C
// order; anything else (big-endian, integers, Fortran order, not 2-D) is an
// error that says what was found, and so is a file shorter than its header's
// shape needs, caught before the array is allocated when the reader's size
// is known. Write always writes version 1.0, '<f4'.
package npy
