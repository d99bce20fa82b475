import path from 'node:path';
import { findJavaHome } from './java.ts';
import { ensureIcebergSparkRuntime } from './maven.ts';

/** Spark's S3FileIO lives in this bundle (AWS SDK v2), beside the Spark runtime. */
export const ICEBERG_AWS_BUNDLE = 'org.apache.iceberg:iceberg-aws-bundle:1.11.0';

export interface SparkClientSetup {
  /** Path of the cached Iceberg Spark runtime jar (pass as `sparkJar` in a client script's config). */
  sparkJar: string;
  /** Environment for the Python process: a Java 17/21 JAVA_HOME and small-machine Spark settings. */
  env: NodeJS.ProcessEnv;
}

/**
 * Everything a PySpark client script needs: the Iceberg runtime jar (fetched once with Maven) and an environment
 * that runs Spark 4.1 locally on Java 17 with 2 cores, no UI and few shuffle partitions.
 *
 * @example const spark = await sparkClientSetup(); await runClientScript('spark_suite.py', { baseUrl, sparkJar: spark.sparkJar }, { env: spark.env });
 */
export async function sparkClientSetup(): Promise<SparkClientSetup> {
  const [sparkJar, javaHome] = await Promise.all([ensureIcebergSparkRuntime(), findJavaHome(17, 21)]);
  const submitArgs = [
    '--master local[2]',
    '--driver-memory 2g',
    '--conf spark.ui.enabled=false',
    '--conf spark.sql.shuffle.partitions=2',
    '--conf spark.default.parallelism=2',
    '--conf spark.driver.host=127.0.0.1',
    '--conf spark.driver.bindAddress=127.0.0.1',
    'pyspark-shell',
  ].join(' ');
  return {
    sparkJar,
    env: {
      JAVA_HOME: javaHome,
      PATH: `${path.join(javaHome, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      PYSPARK_SUBMIT_ARGS: submitArgs,
      SPARK_LOCAL_IP: '127.0.0.1',
    },
  };
}
