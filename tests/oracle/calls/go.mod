module k8s-study/oracle/calls

go 1.18
