"""Generated kernels (see ptft_theory.codegen). Do NOT edit by hand."""
