/** wadm's API subjects, built in one place (as wadm-client's TopicGenerator does). */
export function wadmSubjects(lattice: string, prefix = "wadm.api") {
  const model = `${prefix}.${lattice}.model`;
  return {
    put: () => `${model}.put`,
    list: () => `${model}.get`,
    get: (name: string) => `${model}.get.${name}`,
    versions: (name: string) => `${model}.versions.${name}`,
    deploy: (name: string) => `${model}.deploy.${name}`,
    undeploy: (name: string) => `${model}.undeploy.${name}`,
    del: (name: string) => `${model}.del.${name}`,
    status: (name: string) => `${model}.status.${name}`,
    /** Published by wadm whenever an application's status changes. */
    statusUpdates: (name = "*") => `wadm.status.${lattice}.${name}`,
  };
}

export type WadmSubjects = ReturnType<typeof wadmSubjects>;
