// Package csvdocs reads the documents of a topic map from one column of a
// CSV file, as the original service does with pandas.read_csv and its
// defaults: a header row, comma separators, double-quoted fields that may
// hold commas, quotes ("") and newlines, UTF-8 with or without a byte-order
// mark, and cells that pandas reads as missing (empty, "NA", "NaN", "null",
// ... its default na_values) dropped. Blank and whitespace-only lines are
// skipped, an empty header cell is named "Unnamed: N" (N its 0-based
// index), a repeated name gets a suffix (a, a.1, a.2) and, when the first
// data row has more fields than the header, its extra leading fields are
// the row index and not a column. Where pandas fails, so does Read, with
// ErrMalformed and the line: a quoted field still open at the end of the
// file, a row with more fields than the first data row.
//
// Memory follows the input, whatever its shape. Short rows are not padded
// (a missing cell reads as empty), the current record is the only one held
// (its buffer doubling as it grows), a row may have at most MaxColumns
// fields (a *TooManyColumnsError, ErrTooLarge, otherwise), and only the
// columns asked for are kept: a first pass checks the whole file and counts
// the cells, a second takes them into slices of the exact size. Read and
// ReadTable thus allocate at most 6 × the file's size + 16 bytes per cell
// kept + 4 MiB for the header's names (memory_test.go measures it on
// adversarial shapes).
package csvdocs
