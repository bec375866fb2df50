# CLI tests of the trace commands: JSON traces against the schema, `pcmc replay` (exit 10
# reproduced, 11 diverged), `pcmc explain` and `check --format columns` (CPU columns, golden
# files in traces/test/golden/). Included from checker/cli/CMakeLists.txt; uses its ${run},
# ${basics}, ${data} and pcmc_cli_test().
set(traces_golden ${PCMC_ROOT}/traces/test/golden)
set(expect_golden ${CMAKE_CURRENT_SOURCE_DIR}/test/expect_golden.sh)
set(tdir ${CMAKE_CURRENT_BINARY_DIR}/traces)
file(MAKE_DIRECTORY ${tdir})

# Every basics scenario, baseline (--all) and every expect variant/mode (--judge): the JSON
# validates against docs/trace-schema.json (python3-jsonschema; skipped, 77, when missing).
file(GLOB basics_scenarios CONFIGURE_DEPENDS ${basics}/*.pcm)
add_test(NAME "cli: trace-json-schema"
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/test/validate_traces.py
                 ${PCMC_ROOT}/docs/trace-schema.json $<TARGET_FILE:pcmc> ${tdir}/schema
                 ${basics_scenarios})
set_tests_properties("cli: trace-json-schema" PROPERTIES SKIP_RETURN_CODE 77)

# Saved traces (ctest fixtures): the shortest counterexample of each basics example. Without
# transactions: a lasso found with them is real but longer (docs/transactions.md, "Limits"), and
# the goldens below are the lassos of the search without them.
foreach(ex lost_update abba_deadlock livelock)
  add_test(NAME "cli: trace-save-${ex}"
           COMMAND ${run} 10 "VIOLATED" -- $<TARGET_FILE:pcmc> check ${basics}/${ex}.pcm
                   --json ${tdir}/${ex}.json --progress off --transactions off)
  set_tests_properties("cli: trace-save-${ex}" PROPERTIES FIXTURES_SETUP trace_${ex})
endforeach()
function(pcmc_trace_test name fixture code pattern)
  pcmc_cli_test(${name} ${code} ${pattern} ${ARGN})
  set_tests_properties("cli: ${name}" PROPERTIES FIXTURES_REQUIRED trace_${fixture})
endfunction()

pcmc_trace_test(replay-reproduced lost_update 10 "^reproduced: both_counted$"
                replay ${basics}/lost_update.pcm ${tdir}/lost_update.json)
pcmc_trace_test(replay-locked-blocked lost_update 11
                "^diverged: step 2: P1 cannot take spin_lock\\(\\): lock_owner held by P0$"
                replay ${basics}/lost_update.pcm ${tdir}/lost_update.json -D LOCKED)
pcmc_trace_test(replay-abba-ordered abba_deadlock 11
                "^diverged: step 2: P1 cannot take spin_lock_a\\(\\): lock_a held by P0$"
                replay ${basics}/abba_deadlock.pcm ${tdir}/abba_deadlock.json -D ORDERED)
pcmc_trace_test(replay-livelock-split livelock 11
                "^diverged: end of path \\(12 steps\\): the cycle does not close"
                replay ${basics}/livelock.pcm ${tdir}/livelock.json -D SPLIT_TAILS)
pcmc_trace_test(replay-edited-scenario lost_update 10
                "warning: .*lost_update_edited.pcm \\(or a file it includes\\) has changed since"
                replay ${data}/lost_update_edited.pcm ${tdir}/lost_update.json)
pcmc_trace_test(replay-other-scenario lost_update 11
                "warning: the trace is of scenario 'lost_update'.*'abba_deadlock'"
                replay ${basics}/abba_deadlock.pcm ${tdir}/lost_update.json)
pcmc_cli_test(replay-not-json 65 "lost_update.pcm: not JSON"
              replay ${basics}/lost_update.pcm ${basics}/lost_update.pcm)
pcmc_cli_test(replay-missing-trace 65 "cannot read file" replay ${basics}/lost_update.pcm ${tdir}/none.json)
pcmc_cli_test(replay-usage 64 "replay takes a scenario file and a trace file" replay ${basics}/lost_update.pcm)

foreach(ex lost_update abba_deadlock livelock)
  add_test(NAME "cli: explain-golden-${ex}"
           COMMAND ${expect_golden} 0 ${traces_golden}/explain.${ex}.txt --
                   $<TARGET_FILE:pcmc> explain ${basics}/${ex}.pcm ${tdir}/${ex}.json)
  set_tests_properties("cli: explain-golden-${ex}" PROPERTIES FIXTURES_REQUIRED trace_${ex})
endforeach()
add_test(NAME "cli: explain-golden-lost_update-100"
         COMMAND ${expect_golden} 0 ${traces_golden}/explain.lost_update.100.txt --
                 $<TARGET_FILE:pcmc> explain ${basics}/lost_update.pcm ${tdir}/lost_update.json --width 100)
set_tests_properties("cli: explain-golden-lost_update-100" PROPERTIES FIXTURES_REQUIRED trace_lost_update)
pcmc_cli_test(check-columns 10 "^    CPU0 \\(P0\\) +CPU1 \\(P1\\)$"
              check ${basics}/lost_update.pcm --format columns)
pcmc_cli_test(check-columns-summary 10 "^=> final both_counted fails: counter == 2 \\(counter=1\\)$"
              check ${basics}/lost_update.pcm --format columns)
pcmc_cli_test(check-bad-format 64 "--format must be text or columns" check ${basics}/lost_update.pcm --format html)
pcmc_cli_test(bad-width 64 "--width 20 is out of range \\(60..200\\)" check ${basics}/lost_update.pcm --format columns --width 20)

# The seed scenario C-R1 (two openers truncate a THP): its baseline CONFIG_DEBUG_VM trace of A3
# no longer applies once F3 takes filemap_invalidate_lock() in do_dentry_open().
set(cr1 ${PCMC_ROOT}/examples/seed/c-r1.pcm)
if(EXISTS ${cr1})
  add_test(NAME "cli: trace-save-c-r1"
           COMMAND ${run} 10 "VIOLATED A3" -- $<TARGET_FILE:pcmc> check ${cr1} --debug-vm --all
                   --json ${tdir}/c-r1.json --progress off)
  set_tests_properties("cli: trace-save-c-r1" PROPERTIES FIXTURES_SETUP trace_c-r1)
  pcmc_trace_test(replay-c-r1-baseline c-r1 10 "^reproduced: A3$"
                  replay ${cr1} ${tdir}/c-r1.json --debug-vm)
  pcmc_trace_test(replay-c-r1-F3 c-r1 11
                  "^diverged: step [0-9]+: Ob cannot take filemap_invalidate_lock\\(M\\): M.invalidate_lock_owner held by Oa$"
                  replay ${cr1} ${tdir}/c-r1.json --debug-vm -D F3)
  # The seed race in CPU columns, as it would go into a commit message (F1: A3 alone).
  add_test(NAME "cli: trace-save-c-r1-F1"
           COMMAND ${run} 10 "VIOLATED A3" -- $<TARGET_FILE:pcmc> check ${cr1} --debug-vm -D F1
                   --json ${tdir}/c-r1-F1.json --progress off)
  set_tests_properties("cli: trace-save-c-r1-F1" PROPERTIES FIXTURES_SETUP trace_c-r1-F1)
  add_test(NAME "cli: explain-golden-c-r1-F1"
           COMMAND ${expect_golden} 0 ${traces_golden}/explain.c-r1-F1.txt --
                   $<TARGET_FILE:pcmc> explain ${cr1} ${tdir}/c-r1-F1.json)
  set_tests_properties("cli: explain-golden-c-r1-F1" PROPERTIES FIXTURES_REQUIRED trace_c-r1-F1)
endif()
