module k8s-study/oracle/decls

go 1.18
