// The stage: its QuickJS bytecode and its source map, included verbatim.
// The Makefile passes the two file paths; each stage links its own copy.
.section .rodata
.balign 16
.global stage_bytecode, stage_bytecode_end
stage_bytecode:
    .incbin STAGE_BYTECODE
stage_bytecode_end:
.balign 16
.global stage_source_map, stage_source_map_end
stage_source_map:
    .incbin STAGE_SOURCE_MAP
stage_source_map_end:
    .byte 0
