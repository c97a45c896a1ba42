package render

// Sample is the report of the golden tests, for the external tests.
var Sample = sample
