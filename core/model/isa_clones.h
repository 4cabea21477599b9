// One clone of a hot loop per instruction set; the loader picks the best one the CPU has.
// Sanitizer builds go without: the clones' ifunc resolver runs before the sanitizer runtime
// exists and crashes.
#pragma once

#ifdef JEMLAB_SANITIZE_BUILD
#define JEMLAB_ISA_CLONES
#else
#define JEMLAB_ISA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
