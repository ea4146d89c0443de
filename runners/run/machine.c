/* machine.c: the machine's state and whether it is busy; see machine.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "runners/run/machine.h"

int
machine_parse_loadavg(const char *text, double load[3])
{
	return sscanf(text, "%lf %lf %lf", &load[0], &load[1], &load[2]) == 3 ? 0 : -1;
}

int
machine_parse_meminfo(const char *text, const char *key, long long *bytes)
{
	size_t klen = strlen(key);
	const char *p = text;
	long long kb;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			if (sscanf(p + klen + 1, "%lld", &kb) != 1)
				return -1;
			*bytes = kb * 1024;
			return 0;
		}
	return -1;
}

int
machine_parse_psi(const char *text, double *some, double *full)
{
	const char *s = strstr(text, "some avg10="), *f = strstr(text, "full avg10=");

	if (!s || sscanf(s + 11, "%lf", some) != 1)
		return -1;
	if (!f || sscanf(f + 11, "%lf", full) != 1)
		*full = -1;
	return 0;
}

/* A small file of /proc or /sys (fresh), or NULL. */
static char *
slurp(const char *path)
{
	char *data;

	if (access(path, R_OK) != 0 || read_file(path, &data, NULL) < 0)
		return NULL;
	return data;
}

/* The governor of CPU 0 and every CPU's current frequency, where cpufreq
 * is there to read (it is not on many VMs). */
static json_t *
cpufreq_read(long ncpu)
{
	char *gov = slurp("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	json_t *mhz = json_array(), *out;
	long i;

	for (i = 0; i < ncpu; i++) {
		char *path = xasprintf("/sys/devices/system/cpu/cpu%ld/cpufreq/scaling_cur_freq", i);
		char *khz = slurp(path);

		if (khz)
			json_array_append_new(mhz, json_real(atof(khz) / 1000));
		free(path);
		free(khz);
	}
	if (!gov && json_array_size(mhz) == 0) {
		json_decref(mhz);
		return json_string("not readable");
	}
	if (gov)
		gov[strcspn(gov, "\n")] = '\0';
	out = json_pack("{s:s?, s:o}", "governor", gov, "mhz", mhz);
	free(gov);
	return out;
}

/* PSI's avg10 of cpu, memory and io, or null without /proc/pressure. */
static json_t *
pressure_read(void)
{
	static const char *const kinds[] = { "cpu", "memory", "io" };
	json_t *out = json_object();
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char *path = xasprintf("/proc/pressure/%s", kinds[i]);
		char *text = slurp(path);
		double some, full;

		if (text && machine_parse_psi(text, &some, &full) == 0)
			json_object_set_new(out, kinds[i], json_pack("{s:f, s:o}", "some_avg10", some,
				"full_avg10", full < 0 ? json_null() : json_real(full)));
		free(text);
		free(path);
	}
	if (json_object_size(out) == 0) {
		json_decref(out);
		return json_null();
	}
	return out;
}

static json_t *
meminfo_bytes(const char *text, const char *key)
{
	long long v;

	return text && machine_parse_meminfo(text, key, &v) == 0 ? json_integer(v) : json_null();
}

json_t *
machine_read(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *la = slurp("/proc/loadavg"), *mem = slurp("/proc/meminfo");
	double load[3];
	long long total, free_;
	json_t *out = json_object();

	json_object_set_new(out, "load", la && machine_parse_loadavg(la, load) == 0 ?
			    json_pack("[f,f,f]", load[0], load[1], load[2]) : json_null());
	json_object_set_new(out, "ncpu", ncpu > 0 ? json_integer(ncpu) : json_null());
	json_object_set_new(out, "cpufreq", cpufreq_read(ncpu > 0 ? ncpu : 1));
	json_object_set_new(out, "swap_total_bytes", meminfo_bytes(mem, "SwapTotal"));
	if (mem && machine_parse_meminfo(mem, "SwapTotal", &total) == 0 &&
	    machine_parse_meminfo(mem, "SwapFree", &free_) == 0)
		json_object_set_new(out, "swap_used_bytes", json_integer(total - free_));
	else
		json_object_set_new(out, "swap_used_bytes", json_null());
	json_object_set_new(out, "mem_available_bytes", meminfo_bytes(mem, "MemAvailable"));
	json_object_set_new(out, "pressure", pressure_read());
	free(la);
	free(mem);
	return out;
}

int
machine_other_containers(struct engine *e, const char *dir, int *n)
{
	json_t *list = NULL, *c;
	const char *label;
	size_t i;

	*n = 0;
	if (engine_get_json(e, "/containers/json", &list) < 0)
		return -1;
	json_array_foreach(list, i, c) {
		label = json_string_value(json_object_get(json_object_get(c, "Labels"), "jockey.dir"));
		if (!label || !dir || strcmp(label, dir) != 0)
			(*n)++;
	}
	json_decref(list);
	return 0;
}

json_t *
machine_busy(const json_t *state)
{
	json_t *why = json_array();
	json_t *load = json_object_get(state, "load");
	json_int_t ncpu = json_integer_value(json_object_get(state, "ncpu"));
	json_int_t others = json_integer_value(json_object_get(state, "other_containers"));
	json_int_t swap = json_integer_value(json_object_get(state, "swap_used_bytes"));
	double l1 = json_number_value(json_array_get(load, 0));
	char *s;

	if (json_array_size(load) == 3 && ncpu > 0 && l1 > MACHINE_LOAD_PER_CPU * (double)ncpu) {
		s = xasprintf("load average %.2f above %.2f (%.1f x %lld CPUs)", l1,
			      MACHINE_LOAD_PER_CPU * (double)ncpu, MACHINE_LOAD_PER_CPU, (long long)ncpu);
		json_array_append_new(why, json_string(s));
		free(s);
	}
	if (others > 0) {
		s = xasprintf("%lld other container%s running on the engine", (long long)others,
			      others == 1 ? "" : "s");
		json_array_append_new(why, json_string(s));
		free(s);
	}
	if (swap > 0) {
		s = xasprintf("swap in use: %.1f MiB", (double)swap / (1024 * 1024));
		json_array_append_new(why, json_string(s));
		free(s);
	}
	return why;
}
