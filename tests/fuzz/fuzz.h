/* fuzz.h - what the fuzz targets in tests/fuzz/ share.
 *
 * Each fuzz-TARGET.c defines the libFuzzer entry points.  They are linked
 * either with libFuzzer (`make fuzz`, clang) to search for new inputs, or with
 * replay.c (`make check`, any compiler) to run every file of
 * tests/fuzz/corpus/TARGET/ once, under ASan and UBSan with --enable-asan. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The corpus folder name of this target (tests/fuzz/corpus/NAME). */
extern const char fuzz_target_name[];

/* Write DATA to RELATIVE (which may contain folders) inside a private
 * temporary folder made on first use and removed at exit; returns its path.
 * The loaders read files, and a real file is what users give them. */
const char *fuzz_write_input (const char *relative, const uint8_t *data, size_t size);

/* A file of the source tree: $srcdir (set by make check) or the source folder
 * the target was built from. */
char *fuzz_source_path (const char *relative);

/* A failure must come with one of sgplan's own errors, with a message no
 * longer than FUZZ_MESSAGE_MAX bytes, however long the input's values: a
 * message quotes at most a short prefix of any value.  WHAT names the step. */
#define FUZZ_MESSAGE_MAX 2048
void fuzz_expect_reportable (const GError *error, const char *what);

/* The day exceptions are judged on, fixed so that a corpus replays alike any day. */
#define FUZZ_DATE "2026-01-01"
