"""The print edition laid out in parts on every core, or whole: the parts, the worker pool, stitching."""
