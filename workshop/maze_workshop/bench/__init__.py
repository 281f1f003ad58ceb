"""`maze bench`: reproducible measurements, each printed beside a baseline from the same run."""
