/*
 * Bench.java [ROUNDS]: a compute workload for jockey's case study, in the
 * spirit of the DaCapo and SPECjbb kernels ImageJockey ran, small enough to
 * build from source in a Dockerfile. Each kernel does a fixed amount of work
 * a round; after two warm-up rounds (the JIT compiles), ROUNDS rounds
 * (default 5) are timed and the median reported, in milliseconds:
 *
 *   nbody   the five-body simulation, 5,000,000 steps (double arithmetic)
 *   sort    1,000,000 boxed Longs shuffled and sorted (objects, pointers)
 *   map     a HashMap<String, Integer> of 1,000,000 entries built, read and
 *           emptied (allocation: what the garbage collector sees most)
 *   text    a StringBuilder of 1,000,000 formatted lines, split and parsed
 *
 * The last line: "javabench: nbody_ms=... sort_ms=... map_ms=... text_ms=... total_ms=..."
 */
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

public class Bench {
	static double nbody(int steps) {
		final double pi = Math.PI, days = 365.24, mass = 4 * pi * pi;
		double[][] x = {
			{ 0, 0, 0 },
			{ 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01 },
			{ 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01 },
			{ 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01 },
			{ 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01 },
		};
		double[][] v = {
			{ 0, 0, 0 },
			{ 1.66007664274403694e-03 * days, 7.69901118419740425e-03 * days, -6.90460016972063023e-05 * days },
			{ -2.76742510726862411e-03 * days, 4.99852801234917238e-03 * days, 2.30417297573763929e-05 * days },
			{ 2.96460137564761618e-03 * days, 2.37847173959480950e-03 * days, -2.96589568540237556e-05 * days },
			{ 2.68067772490389322e-03 * days, 1.62824170038242295e-03 * days, -9.51592254519715870e-05 * days },
		};
		double[] m = { mass, 9.54791938424326609e-04 * mass, 2.85885980666130812e-04 * mass,
			4.36624404335156298e-05 * mass, 5.15138902046611451e-05 * mass };
		double dt = 0.01;
		for (int s = 0; s < steps; s++) {
			for (int i = 0; i < 5; i++)
				for (int j = i + 1; j < 5; j++) {
					double dx = x[i][0] - x[j][0], dy = x[i][1] - x[j][1], dz = x[i][2] - x[j][2];
					double d2 = dx * dx + dy * dy + dz * dz;
					double mag = dt / (d2 * Math.sqrt(d2));
					v[i][0] -= dx * m[j] * mag; v[i][1] -= dy * m[j] * mag; v[i][2] -= dz * m[j] * mag;
					v[j][0] += dx * m[i] * mag; v[j][1] += dy * m[i] * mag; v[j][2] += dz * m[i] * mag;
				}
			for (int i = 0; i < 5; i++) {
				x[i][0] += dt * v[i][0]; x[i][1] += dt * v[i][1]; x[i][2] += dt * v[i][2];
			}
		}
		return x[0][0];
	}

	static long sort(int n, long seed) {
		Random r = new Random(seed);
		List<Long> list = new ArrayList<>(n);
		for (int i = 0; i < n; i++)
			list.add(r.nextLong());
		Collections.shuffle(list, r);
		Collections.sort(list);
		return list.get(n / 2);
	}

	static long map(int n) {
		Map<String, Integer> m = new HashMap<>();
		for (int i = 0; i < n; i++)
			m.put("key-" + i, i);
		long sum = 0;
		for (int i = 0; i < n; i += 3) {
			Integer v = m.get("key-" + i);
			if (v != null)
				sum += v;
		}
		for (int i = 0; i < n; i += 2)
			m.remove("key-" + i);
		return sum + m.size();
	}

	static long text(int n) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < n; i++)
			sb.append("line ").append(i).append(' ').append(i * 31 % 1000).append(" ok\n");
		long sum = 0;
		for (String line : sb.toString().split("\n")) {
			String[] f = line.split(" ");
			sum += Integer.parseInt(f[1]) + Integer.parseInt(f[2]);
		}
		return sum;
	}

	interface Kernel {
		double run();
	}

	public static void main(String[] args) {
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
		String[] names = { "nbody", "sort", "map", "text" };
		Kernel[] kernels = {
			() -> nbody(5_000_000), () -> sort(1_000_000, 42), () -> map(1_000_000), () -> text(1_000_000),
		};
		System.out.println("java " + System.getProperty("java.vm.version") + " " +
			java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
		StringBuilder line = new StringBuilder("javabench:");
		double total = 0, sink = 0;
		for (int k = 0; k < kernels.length; k++) {
			for (int w = 0; w < 2; w++)
				sink += kernels[k].run();
			double[] ms = new double[rounds];
			for (int i = 0; i < rounds; i++) {
				long t = System.nanoTime();
				sink += kernels[k].run();
				ms[i] = (System.nanoTime() - t) / 1e6;
			}
			Arrays.sort(ms);
			double med = rounds % 2 == 1 ? ms[rounds / 2] : (ms[rounds / 2 - 1] + ms[rounds / 2]) / 2;
			total += med;
			System.out.printf("%-6s median %.2f ms of %d rounds (min %.2f, max %.2f)%n", names[k], med, rounds,
				ms[0], ms[rounds - 1]);
			line.append(String.format(" %s_ms=%.3f", names[k], med));
		}
		line.append(String.format(" total_ms=%.3f", total));
		System.out.println(line);
		if (sink == 42)
			System.out.println();
	}
}
