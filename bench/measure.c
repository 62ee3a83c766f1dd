/* Runs one command with its stdout sent to /dev/null and prints on its own
 * stdout one line for that child alone (wait4):
 *   WALL_SECONDS MAXRSS_KB USER_SECONDS SYS_SECONDS EXIT_STATUS
 * A C wrapper and not a script, because Linux counts the RSS a child had
 * before exec in its peak: forking a Python interpreter would add its ~10 MB
 * to every figure.
 * usage: measure COMMAND [ARGS...] */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: measure COMMAND [ARGS...]\n");
		return 2;
	}
	int devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0) {
		perror("measure: /dev/null");
		return 2;
	}
	fflush(stdout);
	double start = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(devnull, STDOUT_FILENO);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("measure: wait4");
		return 2;
	}
	double wall = now_s() - start;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("%.6f %ld %.3f %.3f %d\n", wall, ru.ru_maxrss,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, code);
	return 0;
}
