// Package csvdocs reads the documents of a topic map from one column of a
// CSV file, as the original service does with pandas.read_csv and its
// defaults: a header row, comma separators, double-quoted fields that may
// hold commas, quotes ("") and newlines, UTF-8 with or without a byte-order
// mark, and cells that pandas reads as missing (empty, "NA", "NaN", "null",
// ... its default na_values) dropped.
package csvdocs
