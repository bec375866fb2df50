# CLI tests of issue 14, part A: no crash, no silent wrong answer. Each case failed before its
# fix. Included from checker/cli/CMakeLists.txt; uses its ${run}, ${basics}, ${data},
# ${native_env} and pcmc_cli_test(). The unit tests of the same items are in
# model/test/errors_test.cpp (constants, nesting, no thread), model/test/lowering_test.cpp
# (run-time errors) and checker/test/native_oracle_test.cpp (the engines agree).
set(ddir ${CMAKE_CURRENT_BINARY_DIR}/defects)
file(MAKE_DIRECTORY ${ddir})
set(locked_counter ${PCMC_ROOT}/examples/scaled/locked_counter.pcm)

# A1, A2: INT64_MIN / -1, % -1 and 64-bit overflow are model errors in both engines (were SIGFPE,
# and opposite verdicts); a range error reports the true value.
foreach(engine interp native)
  add_test(NAME "cli: int-min-div-${engine}"
           COMMAND ${run} 65 "model error: overflow \\(the result leaves the 64-bit range\\)" --
                   ${native_env} $<TARGET_FILE:pcmc> check ${data}/int_min_div.pcm --all
                   --engine ${engine})
  add_test(NAME "cli: overflow-${engine}"
           COMMAND ${run} 65 "VIOLATED model_error" --
                   ${native_env} $<TARGET_FILE:pcmc> check ${data}/overflow.pcm --engine ${engine})
  add_test(NAME "cli: range-true-value-${engine}"
           COMMAND ${run} 65 "model error: range \\(value 4294967296\\)" --
                   ${native_env} $<TARGET_FILE:pcmc> check ${data}/range_true_value.pcm
                   --engine ${engine})
  add_test(NAME "cli: range-no-wrap-${engine}"
           COMMAND ${run} 65 "model error: overflow" --
                   ${native_env} $<TARGET_FILE:pcmc> check ${data}/range_no_wrap.pcm
                   --engine ${engine})
  # A11: shifts as C defines them; a count of 64 is a model error with its count.
  add_test(NAME "cli: shifts-${engine}"
           COMMAND ${run} 0 "verdict: all properties hold" --
                   ${native_env} $<TARGET_FILE:pcmc> check ${data}/shifts.pcm --engine ${engine})
  add_test(NAME "cli: shift-count-${engine}"
           COMMAND ${run} 65 "model error: shift \\(count 64, not in 0..63\\)" --
                   ${native_env} $<TARGET_FILE:pcmc> check ${data}/shift_count.pcm
                   --engine ${engine})
endforeach()

# A4: read errors are errors; a directory, a device, an empty file are refused.
file(MAKE_DIRECTORY ${ddir}/a_folder.pcm)
foreach(cmd check "list properties" graph matrix)
  string(REPLACE " " ";" words "${cmd}")
  string(REPLACE " " "-" tag "${cmd}")
  set(extra)
  if(cmd STREQUAL "graph")
    set(extra -o ${ddir}/folder.dot)
  elseif(cmd STREQUAL "matrix")
    set(extra --variants B)
  endif()
  pcmc_cli_test(read-folder-${tag} 65 "cannot read file '.*a_folder.pcm': Is a directory"
                ${words} ${ddir}/a_folder.pcm ${extra})
endforeach()
pcmc_cli_test(read-device 65 "cannot read file '/dev/null': not a regular file" check /dev/null)
pcmc_cli_test(no-thread 65 "empty.pcm: error: the model declares no thread"
              check ${data}/empty.pcm)
pcmc_trace_test(replay-trace-folder lost_update 65 "cannot read file '.*a_folder.pcm': Is a directory"
                replay ${basics}/lost_update.pcm ${ddir}/a_folder.pcm)
pcmc_trace_test(explain-trace-folder lost_update 65 "cannot read file '.*a_folder.pcm': Is a directory"
                explain ${basics}/lost_update.pcm ${ddir}/a_folder.pcm)

# A5: after a search that stopped early, `exists` is undecided (text and JSON).
pcmc_cli_test(exists-first-violation 10 "exists \\(counter == 1\\): undecided \\(stopped at the first violation. --all searches on\\): [0-9]+ of [0-9]+ end states seen"
              check ${basics}/lost_update.pcm --liveness off -q)
pcmc_cli_test(exists-limit 20 "exists \\(counter == 1\\): undecided \\(state limit 4 reached\\): 0 of 0 end states seen"
              check ${basics}/lost_update.pcm --max-states 4 -q)
pcmc_cli_test(exists-all 10 "exists \\(counter == 1\\): sometimes \\(1 of 2 end states\\)"
              check ${basics}/lost_update.pcm --all -q)
add_test(NAME "cli: exists-undecided-json"
         COMMAND ${run} 20 "\"result\": \"undecided\"" -- sh -c
                 "$<TARGET_FILE:pcmc> check ${basics}/lost_update.pcm --max-states 4 -q --json ${ddir}/undecided.json; rc=$?; cat ${ddir}/undecided.json; exit $rc")

# A6: --json write errors are seen for small payloads too.
pcmc_cli_test(json-full-disk 74 "cannot write /dev/full"
              check ${basics}/lost_update.pcm -D LOCKED --json /dev/full -q)
pcmc_cli_test(judge-json-full-disk 74 "cannot write /dev/full"
              check --judge ${basics}/lost_update.pcm --json /dev/full -q)

# A7, A8: the compiler's process group is killed on cancel; SIGTERM stops like SIGINT.
add_test(NAME "cli: compiler-process-group"
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/test/compiler_group.sh $<TARGET_FILE:pcmc> ${PCMC_ROOT}/examples/scaled/bench/thp-n8-open3.pcm)
add_test(NAME "cli: sigterm"
         COMMAND ${run} 20 "\"verdict\": \"incomplete\"" -- sh -c
                 "timeout --preserve-status -s TERM 1 $<TARGET_FILE:pcmc> check ${locked_counter} --no-reduce --engine interp --progress off --json ${ddir}/sigterm.json; rc=$?; cat ${ddir}/sigterm.json; exit $rc")

# A9: a model error in an invariant names it, where it is, and the error; -q too.
pcmc_cli_test(invariant-model-error 65 "invariant_null.pcm:7:1: p->refcount >= 0"
              check ${data}/invariant_null.pcm)
pcmc_cli_test(invariant-model-error-quiet 65 "invariant_null.pcm:7:1: model error: null-deref in invariant refcount_ok"
              check ${data}/invariant_null.pcm -q)
pcmc_cli_test(model-error-quiet 65 "range_error.pcm:[34]:[0-9]+: model error: range \\(value 2\\)"
              check ${data}/range_error.pcm -q)

# A10: the per-step budget of local instructions: explained, and --max-local-steps raises it.
pcmc_cli_test(local-budget 65 "local-divergence \\(the step ran 1000000 instructions .*--max-local-steps"
              check ${data}/long_loop.pcm --engine interp)
pcmc_cli_test(local-budget-raised 0 "verdict: all properties hold"
              check ${data}/long_loop.pcm --engine interp --max-local-steps 2000000)
pcmc_cli_test(local-budget-zero 64 "--max-local-steps takes a whole number|out of range"
              check ${data}/long_loop.pcm --max-local-steps 0)

# A12: the scenario's folder shadows a library folder for nested includes too; a bad -I is an
# error; the header and the JSON name the library and every included file.
pcmc_cli_test(include-shadow-nested 0 "verdict: all properties hold"
              check ${data}/includes/scenario/shadow.pcm -I ${data}/includes/lib -D FROM_LOCAL)
pcmc_cli_test(include-shadow-not-library 64 "unknown switch 'FROM_LIBRARY'"
              check ${data}/includes/scenario/shadow.pcm -I ${data}/includes/lib -D FROM_LIBRARY)
pcmc_cli_test(include-missing-folder 64 "-I ${ddir}/no_such_folder: no such folder"
              check ${basics}/lost_update.pcm -I ${ddir}/no_such_folder)
pcmc_cli_test(include-file-not-folder 64 "-I .*lost_update.pcm: not a folder"
              check ${basics}/lost_update.pcm -I ${basics}/lost_update.pcm)
pcmc_cli_test(include-header 20 "^includes \\(library .*\\): .*open.pcm"
              check ${PCMC_ROOT}/examples/seed/c-r1.pcm --max-states 1)
add_test(NAME "cli: include-json"
         COMMAND ${run} 0 "\"includes\": \\[[^]]*includes/scenario/kernel/x/b.pcm" -- sh -c
                 "$<TARGET_FILE:pcmc> check ${data}/includes/scenario/shadow.pcm -I ${data}/includes/lib -q --json ${ddir}/includes.json; rc=$?; tr -d '\\n' < ${ddir}/includes.json; exit $rc")

# A13: option validation.
foreach(opt max-states max-memory shuffle max-depth)
  pcmc_cli_test(negative-${opt} 64 "--${opt} takes a whole number"
                check ${basics}/lost_update.pcm --${opt} -1)
endforeach()
pcmc_cli_test(negative-max-nodes 64 "--max-nodes takes a whole number"
              graph ${basics}/lost_update.pcm -o ${ddir}/n.dot --max-nodes -1)
pcmc_cli_test(define-twice 20 "variant LOCKED, CONFIG_DEBUG_VM"
              check ${basics}/lost_update.pcm -D LOCKED -D LOCKED -q --max-states 1)
pcmc_cli_test(json-html-same-file 64 "--json and --html name the same file"
              check ${basics}/lost_update.pcm --json ${ddir}/same.out --html ${ddir}/same.out)
pcmc_cli_test(json-over-scenario 64 "the scenario and --json name the same file"
              check ${basics}/lost_update.pcm --json ${basics}/lost_update.pcm)
add_test(NAME "cli: json-empty-name"   # (sh: CMake drops an empty argument)
         COMMAND ${run} 64 "--json needs a file name" -- sh -c
                 "$<TARGET_FILE:pcmc> check ${basics}/lost_update.pcm --json ''")
pcmc_cli_test(graph-png 64 "graph -o .*out.png: the file must end in .dot"
              graph ${basics}/lost_update.pcm -o ${ddir}/out.png)
pcmc_cli_test(graph-model-error 65 "model error: range"
              graph ${data}/model_error_graph.pcm -o ${ddir}/model_error.dot)
pcmc_trace_test(explain-other-scenario lost_update 65 "lost_update.json does not fit .*abba_deadlock.pcm"
                explain ${basics}/abba_deadlock.pcm ${tdir}/lost_update.json)
pcmc_cli_test(unknown-switch-cli 64 "^pcmc: unknown switch 'NOSUCH' \\(-D\\): .*lost_update.pcm declares LOCKED$"
              check ${basics}/lost_update.pcm -D NOSUCH)
pcmc_cli_test(unknown-switch-list 64 "unknown switch 'NOSUCH' \\(-D\\)"
              list properties ${basics}/lost_update.pcm -D NOSUCH)

# The mutation fuzzer (checker/cli/test/fuzz_mutants.py): mutants of every example, of the kernel
# library and of saved traces never crash pcmc (exit 70, a signal, a hang) and every error says
# where it is. Bounded time: 45 s of mutants on two processes, the seed fixed (the same mutants
# in the same order; a slower machine checks fewer of them). Failing mutants are kept in
# build/checker/cli/defects/fuzz-failures/.
add_test(NAME "fuzz: mutants of the examples, the library and traces (45 s)"
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/test/fuzz_mutants.py
                 --pcmc $<TARGET_FILE:pcmc> --root ${PCMC_ROOT} --seconds 45 --jobs 2 --seed 1
                 --keep ${ddir}/fuzz-failures)
set_tests_properties("fuzz: mutants of the examples, the library and traces (45 s)"
                     PROPERTIES TIMEOUT 150)
