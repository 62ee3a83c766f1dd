/* Findings in JSON records, shared by the stream (stream.c) and ECS (ecs.c). */
#pragma once
#include "jsonw.h"
#include "report.h"

void jw_evidence(jsonw *w, const amt_run *run, const finding *x, const char *path_key);
