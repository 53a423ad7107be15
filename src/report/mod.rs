//! Report formats, one file each, behind one trait.
